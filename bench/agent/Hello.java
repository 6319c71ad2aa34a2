/** The startup benchmark's host: prints one line and exits. Packed as hello.jar by run.sh. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
